using Parking.Domain.Scenarios;
using Xunit;

namespace Parking.Domain.Tests.Scenarios;

/// <summary>What a simulation run's start is refused with: a compound at its limit of runs, or a version the live layout moved away from.</summary>
public class SimulationRunAdmissionTests
{
    [Fact]
    public void A_run_the_catalogue_did_not_admit_is_refused_naming_the_limit()
    {
        Assert.Null(SimulationRunState.AdmissionRefused(admitted: true));
        var refused = SimulationRunState.AdmissionRefused(admitted: false)!;
        Assert.Equal(
            (ErrorKind.Conflict, "too-many-runs", "4 simulations of this compound are queued or running already; wait for one to finish or cancel one."),
            (refused.Kind, refused.Code, refused.Message));
        Assert.Equal(4, SimulationRunState.MaxActivePerCompound);
    }

    [Fact]
    public void A_layout_refusal_means_the_version_no_longer_applies()
    {
        var gone = DomainError.Invalid("changes.spaces[0].spaceId", "space-not-found", "No space 's9'.");

        var refused = SimulationRunState.InputRefused(gone);

        Assert.Equal(
            (ErrorKind.Conflict, "scenario-no-longer-applies", "The version no longer applies to today's layout (changes.spaces[0].spaceId: No space 's9'.) Save it again.", "changes.spaces[0].spaceId"),
            (refused.Kind, refused.Code, refused.Message, refused.Field));
    }

    [Fact]
    public void A_refusal_of_the_demand_the_days_or_without_a_field_stands_as_it_is()
    {
        foreach (var error in new[]
        {
            DomainError.Invalid("demand.source", "demand-unknown", "No such demand."),
            DomainError.Invalid("days", "days-out-of-range", "days must be 1 to 28."),
            DomainError.Conflict("something", "Without a field."),
        })
        {
            Assert.Same(error, SimulationRunState.InputRefused(error));
        }
    }
}
