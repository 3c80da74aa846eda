"""Drills in live mode (การฝึกซ้อม): a rehearsal whose incidents page only its participants."""
