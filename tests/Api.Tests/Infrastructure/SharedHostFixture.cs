using Xunit;

namespace Parking.Api.Tests.Infrastructure;

/// <summary>
/// One host for the whole <see cref="SharedHostCollection"/>: its tests run one after another, each on
/// its own residents and spaces. Tests that move the clock read <see cref="ParkingHost.Now"/> afresh.
/// </summary>
public sealed class SharedHostFixture : OwnHostFixture;

[CollectionDefinition(Name)]
public sealed class SharedHostCollection : ICollectionFixture<SharedHostFixture>
{
    public const string Name = "Shared parking host";
}
