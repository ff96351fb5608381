"""Evidence from the phone (issue 18): messenger chat exports parsed into a timeline, what
photos and videos say about themselves, and working copies of images that are safe to share.

The exports and media stay ordinary evidence files (kept byte for byte, hashed, encrypted);
everything here is read from them, never written back. No Qt, no network, no temp files.
"""
