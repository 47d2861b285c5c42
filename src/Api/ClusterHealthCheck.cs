using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Parking.Api;

/// <summary>Ready when the cluster answers a grain call and, where this host seeds the demo compound, its layout is loaded.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains, Endpoints.DemoCompoundInfo compound) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var initialized = await grains.Compound(compound.CompoundId).IsInitialized().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return initialized || !compound.Seeded
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"Compound '{compound.CompoundId}' has no layout yet.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The cluster did not answer.", exception);
        }
    }
}
