using System.Runtime.InteropServices;

namespace Parking.Bench.Planning;

/// <summary>
/// The calling thread's CPU time (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>), so a re-plan's cost can be
/// told apart from the time other processes held the cores. Elsewhere it falls back to wall time.
/// </summary>
internal static partial class ThreadClock
{
    private const int ThreadCpuTimeClock = 3;
    private static readonly System.Diagnostics.Stopwatch Fallback = System.Diagnostics.Stopwatch.StartNew();

    public static TimeSpan Now()
    {
        if (!OperatingSystem.IsLinux()) return Fallback.Elapsed;
        return ClockGetTime(ThreadCpuTimeClock, out var time) == 0
            ? TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100))
            : Fallback.Elapsed;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);
}
