using Parking.Domain.Layout;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests.Scenarios;

public sealed class ScenarioChecksTests
{
    private static readonly CompoundLayout Live = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);

    private static ScenarioDefinition Named(string name, LayoutChanges? changes = null, ScenarioRules? rules = null) =>
        new(name, "d", changes ?? LayoutChanges.None, rules ?? ScenarioRules.Live);

    [Theory]
    [InlineData("", "name", "scenario-name-required")]
    [InlineData("   ", "name", "scenario-name-required")]
    public void A_scenario_needs_a_name(string name, string field, string code)
    {
        var outcome = ScenarioChecks.Validate(Live, Named(name));

        Assert.Equal((field, code), (outcome.Error!.Field, outcome.Error.Code));
    }

    [Fact]
    public void Layout_fields_are_named_under_changes_and_rule_fields_under_rules()
    {
        var layout = ScenarioChecks.Validate(Live, Named("x", LayoutChanges.None with { Spaces = [new SpaceChange("nope")] }));
        Assert.Equal("changes.spaces[0].spaceId", layout.Error!.Field);

        var rule = ScenarioChecks.Validate(Live, Named("x", rules: new ScenarioRules { SharingOwnersShare = 2 }));
        Assert.Equal("rules.sharingOwnersShare", rule.Error!.Field);

        var tooLong = ScenarioChecks.Validate(Live, Named(new string('n', ScenarioChecks.MaxNameLength + 1)));
        Assert.Equal("name", tooLong.Error!.Field);
    }

    [Fact]
    public void A_valid_definition_gives_the_forked_layout()
    {
        var space = Live.Lots.SelectMany(l => l.Spaces).First();

        var outcome = ScenarioChecks.Validate(Live, Named("Fewer spaces", LayoutChanges.None with { Spaces = [new SpaceChange(space.SpaceId, Remove: true)] }));

        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        Assert.Equal(Live.SpaceCount - 1, outcome.Value!.SpaceCount);
    }

    [Fact]
    public void The_fingerprint_is_stable_and_changes_with_the_layout()
    {
        var space = Live.Lots.SelectMany(l => l.Spaces).First(s => s.Kind == SpaceKind.Standard);
        var retyped = ScenarioLayout.Apply(Live, LayoutChanges.None with { Spaces = [new SpaceChange(space.SpaceId, SpaceKind.EV)] }).Value!;

        Assert.Equal(LayoutFingerprint.Of(Live), LayoutFingerprint.Of(DemoCompoundGenerator.Generate(DemoCompoundSize.Small)));
        Assert.Equal(16, LayoutFingerprint.Of(Live).Length);
        Assert.NotEqual(LayoutFingerprint.Of(Live), LayoutFingerprint.Of(retyped));
    }
}
