"""The Slack front end: the Bolt app and its listeners, Block Kit messages, the Web API
client, and the HTTP (gunicorn) and Socket Mode runners."""
