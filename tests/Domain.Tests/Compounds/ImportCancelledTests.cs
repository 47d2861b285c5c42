using Parking.Domain.Compounds;
using Xunit;

namespace Parking.Domain.Tests.Compounds;

/// <summary>A cancelled import says whether its layout was stored, and if it was, how to finish it.</summary>
public class ImportCancelledTests
{
    [Fact]
    public void Cancelled_after_the_layout_was_stored_it_says_the_compound_waits_for_the_finish()
    {
        var after = CompoundState.ImportCancelled("c1", committed: true);

        Assert.Equal(
            (ErrorKind.Conflict, "import-cancelled", "The import of 'c1' was cancelled after its layout was stored: the compound keeps it marked unfinished and takes no other import until it is finished (POST /api/compounds/imports/finish?compound=c1)."),
            (after.Kind, after.Code, after.Message));
    }

    [Fact]
    public void Cancelled_before_it_says_nothing_changed()
    {
        var before = CompoundState.ImportCancelled("c1", committed: false);

        Assert.Equal(
            (ErrorKind.Conflict, "import-cancelled", "The import of 'c1' was cancelled before its layout was stored: nothing was changed."),
            (before.Kind, before.Code, before.Message));
    }
}
