"""The Spotify emulator: accounts, Web API, oEmbed, scan codes, images and weather."""
