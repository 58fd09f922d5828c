"""What every layer may use: errors, the figure writer, HTTP helpers, time zones, CSV writing and
number formatting. Nothing here imports an app; the science layer may use the modules that do not
import Django (errors, figures, numbers, csv_writer)."""
