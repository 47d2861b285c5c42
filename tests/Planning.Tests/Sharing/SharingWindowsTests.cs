using Parking.Planning.Sharing;
using Xunit;

namespace Parking.Planning.Tests.Sharing;

public class SharingWindowsTests
{
    [Fact]
    public void Weekday_nights_run_into_the_next_morning_and_skip_weekends()
    {
        var offset = TimeSpan.FromHours(8);

        // 2026-12-04 is a Friday: Friday night is in, Saturday and Sunday nights are out.
        var windows = SharingWindows.Weekly(new DateOnly(2026, 12, 4), new DateOnly(2026, 12, 7), SharingWindows.Weekdays, new TimeOnly(19, 0), new TimeOnly(7, 30), offset);

        Assert.Equal(2, windows.Count);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 19, 0, 0, offset), windows[0].Start);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 7, 30, 0, offset), windows[0].End);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 19, 0, 0, offset), windows[1].Start);
        Assert.Equal(12.5, windows[1].Duration.TotalHours);
    }
}
