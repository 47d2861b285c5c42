using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// The API maps what grains return (Domain records) to Contracts; the optimizers and the simulator are Planning's,
/// behind the grains. The project compiles without Planning (DisableTransitiveProjectReferences); the compiled
/// assembly shows it.
/// </summary>
public sealed class LayeringTests
{
    [Fact]
    public void The_api_assembly_references_no_planning_code()
    {
        var references = typeof(Mapping).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.Contains("Parking.Domain", references);
        Assert.Contains("Parking.Grains", references);
        Assert.DoesNotContain("Parking.Planning", references);
    }
}
