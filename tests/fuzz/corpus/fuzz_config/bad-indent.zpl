broker
  endpoint = tcp://x
