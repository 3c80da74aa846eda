"""The durable inbox: every incoming update is committed before the channel hears it arrived,
then handled once, each person's in order, by whichever instance claims it."""
