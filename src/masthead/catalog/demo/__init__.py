"""The demo press: the seed article's journal, its price list, and real back catalogues."""
