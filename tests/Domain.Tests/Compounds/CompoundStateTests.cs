using Parking.Domain.Compounds;
using Parking.Domain.Layout;
using Xunit;

namespace Parking.Domain.Tests.Compounds;

/// <summary>
/// A compound's layout and its import slot: an apply starts only on the previewed version with nothing left
/// unfinished, one job holds the slot while its record says it runs, and the slot comes back when given back or
/// when its holder no longer runs. Every refusal changes nothing.
/// </summary>
public class CompoundStateTests
{
    private static CompoundLayout Layout(string compoundId = "c1", int version = 0) =>
        new(compoundId, "Compound", [new Building("b1", "Building 1")], [Lot()], [], []) { LayoutVersion = version };

    private static LotDefinition Lot() =>
        new("c1", "l1", "Lot", LotKind.Surface, new Dictionary<string, int>(),
            [new SpaceDefinition("c1", "l1", "s1", "S1", SpaceKind.Standard, SpaceOwnership.Common, 5),
             new SpaceDefinition("c1", "l1", "s2", "S2", SpaceKind.Standard, SpaceOwnership.Common, 7)]);

    [Fact]
    public void The_first_layout_is_taken_once_at_version_one_at_least()
    {
        var state = new CompoundState();

        Assert.True(state.Initialize("c1", Layout()));
        Assert.Equal(1, state.LayoutVersion);
        Assert.False(state.Initialize("c1", Layout(version: 7)));
        Assert.Equal(1, state.LayoutVersion);

        var later = new CompoundState();
        Assert.True(later.Initialize("c1", Layout(version: 4)));
        Assert.Equal(4, later.LayoutVersion);
        Assert.Throws<ArgumentException>(() => new CompoundState().Initialize("c2", Layout()));
    }

    [Fact]
    public void An_apply_on_the_previewed_version_stores_the_next_and_stays_unfinished_until_finished()
    {
        var state = new CompoundState();
        var first = state.BeginApply("c1", Layout(), 0);

        Assert.True(first.IsSuccess);
        Assert.Null(first.Value!.Base);
        Assert.Equal(1, first.Value.Stored.LayoutVersion);
        Assert.Equal(new UnfinishedApply(null, 1), state.Unfinished);
        Assert.Equal(first.Value, state.ResumeApply("c1").Value);

        Assert.True(state.FinishApply());
        Assert.False(state.FinishApply());
        Assert.Null(state.Unfinished);
        Assert.Equal("import-finished", state.ResumeApply("c1").Error!.Code);

        var second = state.BeginApply("c1", Layout(version: 99), 1);
        Assert.Equal((1, 2), (second.Value!.Base!.LayoutVersion, second.Value.Stored.LayoutVersion));
        Assert.Equal(2, state.Unfinished!.Version);
    }

    [Fact]
    public void An_apply_of_another_compound_on_a_changed_layout_or_beside_an_unfinished_one_is_refused_and_changes_nothing()
    {
        var state = new CompoundState();
        Assert.True(state.BeginApply("c1", Layout(), 0).IsSuccess);
        var live = state.Layout;
        var unfinished = state.Unfinished;

        var other = state.BeginApply("c1", Layout("c2"), 1).Error!;
        Assert.Equal((ErrorKind.Validation, "compound-mismatch", "compound.id"), (other.Kind, other.Code, other.Field));
        Assert.Equal("The file is of compound 'c2', not 'c1'.", other.Message);

        var changed = state.BeginApply("c1", Layout(), 0).Error!;
        Assert.Equal((ErrorKind.Conflict, "layout-changed"), (changed.Kind, changed.Code));
        Assert.Equal("The layout of 'c1' is at version 1, not 0: it changed since the preview. Preview again and apply that.", changed.Message);

        var busy = state.BeginApply("c1", Layout(), 1).Error!;
        Assert.Equal((ErrorKind.Conflict, "import-unfinished"), (busy.Kind, busy.Code));
        Assert.Contains("stored layout version 1 and has not finished", busy.Message, StringComparison.Ordinal);
        Assert.Contains("POST /api/compounds/imports/finish?compound=c1", busy.Message, StringComparison.Ordinal);

        Assert.Same(live, state.Layout);
        Assert.Same(unfinished, state.Unfinished);
    }

    [Fact]
    public void A_running_holder_keeps_the_slot_and_one_that_no_longer_runs_gives_it_up()
    {
        var state = new CompoundState();
        Assert.Null(state.HolderOtherThan("j1"));
        Assert.True(state.ClaimImport("c1", "j1", null).Value);
        Assert.Equal("j1", state.ImportJob);

        Assert.Null(state.HolderOtherThan("j1"));
        Assert.Equal("j1", state.HolderOtherThan("j2"));
        var again = state.ClaimImport("c1", "j1", null);
        Assert.True(again.IsSuccess);
        Assert.False(again.Value);

        var refused = state.ClaimImport("c1", "j2", new RunningImport("j1", "spaces")).Error!;
        Assert.Equal((ErrorKind.Conflict, "import-running"), (refused.Kind, refused.Code));
        Assert.Equal(
            "Import job 'j1' of 'c1' is running (phase spaces): wait for it to end, or cancel it (POST /api/compounds/imports/j1/cancel), then try again.",
            refused.Message);
        Assert.Equal("j1", state.ImportJob);

        // The holder's record says it ended (or its host stopped reporting): the slot passes on.
        Assert.True(state.ClaimImport("c1", "j2", null).Value);
        Assert.Equal("j2", state.ImportJob);
    }

    [Fact]
    public void Only_the_holder_gives_the_slot_back()
    {
        var state = new CompoundState();
        Assert.False(state.ReleaseImport("j1"));
        state.ClaimImport("c1", "j1", null);

        Assert.False(state.ReleaseImport("j2"));
        Assert.Equal("j1", state.ImportJob);
        Assert.True(state.ReleaseImport("j1"));
        Assert.Null(state.ImportJob);
        Assert.True(state.ClaimImport("c1", "j2", null).Value);
    }

    [Fact]
    public void A_staff_edit_replaces_one_space_and_moves_the_version_on()
    {
        var state = new CompoundState();
        Assert.Throws<InvalidOperationException>(() =>
            state.UpdateSpace("c1", new SpaceDefinition("c1", "l1", "s1", "S1", SpaceKind.EV, SpaceOwnership.Common, 5)));
        state.Initialize("c1", Layout());

        state.UpdateSpace("c1", new SpaceDefinition("c1", "l1", "s1", "S1", SpaceKind.EV, SpaceOwnership.Common, 5));

        Assert.Equal(2, state.LayoutVersion);
        Assert.Equal([SpaceKind.EV, SpaceKind.Standard], state.Layout!.Lots[0].Spaces.Select(s => s.Kind));
    }
}
