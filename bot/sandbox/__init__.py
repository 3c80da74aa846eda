"""The sandbox (โหมดทดลอง): the real program against the simulated Telegram, phones in a browser.

`run.py` starts it, `people.py` binds the sample roster to simulator users, `phones.py` is the
`Phones` the web log's sandbox pages use, `seeding.py` joins everyone and files sample reports.
"""
