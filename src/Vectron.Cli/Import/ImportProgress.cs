using System.Globalization;

namespace Vectron.Cli.Import;

/// <summary>
/// The import's progress display: on a terminal one line redrawn in place at most every
/// <see cref="TerminalInterval"/> (bar, percent, points, points/s, ETA); otherwise a plain line every
/// <see cref="LogInterval"/>, so logs stay readable. Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ImportProgress
{
    /// <summary>How often the terminal line is redrawn.</summary>
    public static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>How often a line is printed when the output is not a terminal.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    private const int BarWidth = 24;

    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly bool _terminal;
    private readonly long _startTimestamp;
    private readonly long _startPoints;
    private long _lastDrawn;
    private bool _drewLine;

    public ImportProgress(TextWriter writer, TimeProvider time, bool terminal, long startPoints)
    {
        _writer = writer;
        _time = time;
        _terminal = terminal;
        _startPoints = startPoints;
        _startTimestamp = time.GetTimestamp();
        _lastDrawn = _startTimestamp;
    }

    /// <summary>Reports that <paramref name="done"/> points are acknowledged; draws when the interval has passed.</summary>
    /// <param name="done">Points acknowledged so far, including those of an earlier run that this one resumed.</param>
    /// <param name="total">All points in the file, when known.</param>
    /// <param name="fraction">The fraction of the file consumed, for the ETA when the total is unknown.</param>
    public void Report(long done, long? total, double fraction)
    {
        long now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_lastDrawn, now) < (_terminal ? TerminalInterval : LogInterval))
        {
            return;
        }

        _lastDrawn = now;
        Draw(Format(done, total, fraction, _time.GetElapsedTime(_startTimestamp, now)));
    }

    /// <summary>Draws the final state and ends the line.</summary>
    public void Finish(long done, long? total, double fraction)
    {
        Draw(Format(done, total, fraction, _time.GetElapsedTime(_startTimestamp)));
        if (_terminal)
        {
            _writer.WriteLine();
        }

        _drewLine = false;
    }

    /// <summary>One progress line (without line end).</summary>
    public string Format(long done, long? total, double fraction, TimeSpan elapsed)
    {
        var culture = CultureInfo.InvariantCulture;
        double progress = total is > 0 ? Math.Clamp((double)done / total.Value, 0, 1) : Math.Clamp(fraction, 0, 1);
        long thisRun = done - _startPoints;
        double rate = elapsed.TotalSeconds > 0 ? thisRun / elapsed.TotalSeconds : 0;
        string count = total is long known ? string.Format(culture, "{0:N0}/{1:N0}", done, known) : string.Format(culture, "{0:N0}", done);
        string eta = "--:--";
        if (total is long all && rate > 0)
        {
            eta = Duration(TimeSpan.FromSeconds((all - done) / rate));
        }
        else if (progress > 0 && progress < 1 && thisRun > 0)
        {
            // Unknown total (JSON lines): extrapolate from the share of the file read so far.
            eta = Duration(elapsed * ((1 - progress) / progress));
        }
        else if (progress >= 1)
        {
            eta = "0:00";
        }

        int filled = (int)Math.Round(progress * BarWidth);
        string bar = new string('#', filled) + new string('.', BarWidth - filled);
        return string.Format(culture, "[{0}] {1,5:0.0}%  {2} points  {3:N0} points/s  ETA {4}  elapsed {5}",
            bar, progress * 100, count, rate, eta, Duration(elapsed));
    }

    private void Draw(string line)
    {
        if (_terminal)
        {
            _writer.Write('\r');
            _writer.Write(line);
            _writer.Write("\u001b[K");
            _drewLine = true;
        }
        else
        {
            _writer.WriteLine(line);
        }

        _writer.Flush();
    }

    /// <summary>Ends a partly drawn terminal line so that a message printed next starts on its own line.</summary>
    public void BreakLine()
    {
        if (_drewLine)
        {
            _writer.WriteLine();
            _drewLine = false;
        }
    }

    private static string Duration(TimeSpan span)
    {
        if (span.TotalHours >= 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}:{span.Seconds:00}");
    }
}
