using System.Globalization;

namespace Parking.Bench.Postgres;

/// <summary>CPU time of the PostgreSQL server: the postmaster and every backend it forked (Linux /proc).</summary>
internal sealed class PostgresCpu(int postmasterPid)
{
    /// <summary>Clock ticks per second of /proc/*/stat (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU time so far: live processes, plus what exited backends left in the postmaster's children's time.</summary>
    public TimeSpan Read()
    {
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var pid = int.Parse(name, CultureInfo.InvariantCulture);
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (pid == postmasterPid)
            {
                ticks += Sum(fields, 11, 4);
            }
            else if (parent == postmasterPid)
            {
                ticks += Sum(fields, 11, 2);
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static long Sum(string[] fields, int first, int count)
    {
        long sum = 0;
        for (var i = first; i < first + count; i++)
        {
            sum += long.Parse(fields[i], CultureInfo.InvariantCulture);
        }

        return sum;
    }
}
