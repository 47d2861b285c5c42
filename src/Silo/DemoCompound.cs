using Parking.Api.Endpoints;
using Parking.Domain.Layout;
using Microsoft.Extensions.Options;
using Parking.Domain;
using Parking.Domain.Seeding;
using Parking.Domain.Sharing;
using Parking.Grains;

namespace Parking.Silo;

/// <summary>The seeded demo compound (<c>Parking:Seed</c>): on by default, Chengshangcheng-sized.</summary>
public sealed class SeedOptions
{
    public const string SectionName = "Parking:Seed";

    public bool Enabled { get; set; } = true;

    public DemoCompoundSize Size { get; set; } = DemoCompoundSize.Chengshangcheng;

    public int RandomSeed { get; set; } = 2004;
}

public static class DemoCompoundHosting
{
    public static WebApplicationBuilder AddDemoCompound(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SeedOptions.SectionName).Get<SeedOptions>() ?? new SeedOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new DemoCompoundInfo(DemoCompoundGenerator.CompoundIdFor(options.Size), options.Enabled));
        builder.Services.AddHostedService<DemoCompoundSeeder>();
        builder.Services.AddHostedService<DemoChargePoints>();
        return builder;
    }
}

/// <summary>
/// Loads the demo compound when the silo starts, before the web server takes requests. A compound that
/// already has a layout (durable storage, second silo) is left as it is.
/// </summary>
public sealed partial class DemoCompoundSeeder(
    IGrainFactory grains,
    SeedOptions options,
    IOptions<SharingPolicy> sharing,
    ParkingClock time,
    ILogger<DemoCompoundSeeder> logger) : IHostedService
{
    private const int Parallelism = 64;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        var layout = DemoCompoundGenerator.Generate(options.Size, options.RandomSeed);
        if (!await grains.Compound(layout.CompoundId).InitializeLayout(layout))
        {
            LogAlreadySeeded(layout.CompoundId);
            return;
        }

        var spaces = layout.Lots.SelectMany(l => l.Spaces);
        var demoSharing = DemoSharing.PlanFor(time.GetUtcNow(), sharing.Value);
        await Parallel.ForEachAsync(
            spaces,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (space, _) =>
            {
                var grain = grains.Space(space.CompoundId, space.SpaceId);
                await grain.Configure(space);
                if (demoSharing is not null && space.Ownership == SpaceOwnership.Private)
                {
                    await grain.PublishSharing(demoSharing, new SharingPublisher("seed", space.OwnerHouseholdId));
                }
            });
        LogSeeded(layout.CompoundId, layout.Buildings.Count, layout.Households.Count, layout.Lots.Count, layout.SpaceCount);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded demo compound {CompoundId}: {Buildings} buildings, {Households} households, {Lots} lots, {Spaces} spaces")]
    private partial void LogSeeded(string compoundId, int buildings, int households, int lots, int spaces);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo compound {CompoundId} already has a layout; not seeding")]
    private partial void LogAlreadySeeded(string compoundId);
}
