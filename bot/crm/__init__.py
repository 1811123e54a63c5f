"""CRM adapters: each turns its source's notifications into ``DealEvent``s."""
