using Parking.Domain.CompoundFiles;
using Xunit;

namespace Parking.Domain.Tests.CompoundFiles;

/// <summary>A re-import with problems is refused naming the first one's place and every problem; one without is not.</summary>
public class LayoutDiffRefusalTests
{
    private static LayoutDiff With(params CompoundFileProblem[] problems) => new([], [], [], [], [], [], [], [], 0, 0, problems);

    [Fact]
    public void A_change_with_problems_is_refused()
    {
        var refused = With(new("compound.id", "the file is of compound 'c2', not 'c1'"), new("lots[0].spaces[3]", "duplicate space id 's4'")).Refused()!;

        Assert.Equal(
            (ErrorKind.Validation, "layout-change-invalid", "compound.id: the file is of compound 'c2', not 'c1'; lots[0].spaces[3]: duplicate space id 's4'", "compound.id"),
            (refused.Kind, refused.Code, refused.Message, refused.Field));
        var one = With(new CompoundFileProblem("lots[1]", "no spaces")).Refused()!;
        Assert.Equal(("layout-change-invalid", "lots[1]: no spaces", "lots[1]"), (one.Code, one.Message, one.Field));
    }

    [Fact]
    public void A_change_without_problems_is_not()
    {
        Assert.Null(With().Refused());
    }
}
