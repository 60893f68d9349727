"""The 480×320 screen drawn with Pillow: layout, album images, boxes, partial redraws."""
