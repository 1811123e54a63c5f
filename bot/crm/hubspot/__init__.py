"""HubSpot adapter: the client, webhooks, polling and read-back, write-back, check and setup."""
