using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Reservations;
using Parking.Domain.Shelters;
using Parking.Domain.Voting;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// The space's calendar, the shelter's state, the shelter controller's link and a proposal's vote keep their
/// collections in internal fields behind read-only views (changes only through their methods). Their stored
/// layout is the one the build of 4 December 2026 (main at 365066c) wrote when those collections were public
/// settable properties: every member filled (as <see cref="CodecCoverageTests"/> fills them), written by that build,
/// read by this one and written again, byte for byte the same.
/// </summary>
public sealed class ReadOnlyStateLayoutTests
{
    private const string StoredSpaceCalendar =
        "ICBABXMzQQVzNEEFczVBBXM2CQMNCQMJASlBB3MxMOgnEYAAAAAAAAAsQIEAAAAAAAAuQOjggQAAAAAAADFA4AEDIQADIUAHczIwQQdzMjFB" +
        "B3MyMkEHczIzQQdzMjRBB3MyNSEggAAiXos7Sd8IgQAAAAAAAAAA4CGAAGghrztJ3wiBAAAAAAAAAADg6OAJAxEhgAD0p/Y7Sd8IgQAAAAAA" +
        "AAAA4CGAAIAuPjxJ3wiBAAAAAAAAAADgIYAADLWFPEnfCIEAAAAAAAAAAOABkUEHczM26ODgAZkhMAGuUBWksVN5c3RlbS5Db2xsZWN0aW9u" +
        "cy5HZW5lcmljLkxpc3RgMVtbUGFya2luZy5Eb21haW4uU2hhcmluZy5XZWVrbHlQYXR0ZXJuLFBhcmtpbmcuRG9tYWluXV0AAyEwAR5+OABr" +
        "U3lzdGVtLkNvbGxlY3Rpb25zLkdlbmVyaWMuTGlzdGAxW1tTeXN0ZW0uRGF5T2ZXZWVrXV0AAwEZ4IEAmiuuQAAAAIEA4O7RQAAAAOjg4GFh" +
        "SgsAYWJKCwAxAZ4mcdZpU3lzdGVtLkNvbGxlY3Rpb25zLkdlbmVyaWMuTGlzdGAxW1tTeXN0ZW0uRGF0ZU9ubHldXQADYWRKCwDgMQGEpm2M" +
        "rVN5c3RlbS5Db2xsZWN0aW9ucy5HZW5lcmljLkxpc3RgMVtbUGFya2luZy5Eb21haW4uU2hhcmluZy5Mb2NhbFdpbmRvdyxQYXJraW5nLkRv" +
        "bWFpbl1dAAMhgACyrOU+Sd9IgQD4bwk/Sd9I6ODggQB+bWcHAAAA6OAhAOEB5QHp6OAhAANBB3M1OeDg";

    private const string StoredShelterState =
        "IEAHczYxIUAHczYzQQdzNjRBB3M2NQEaAoEAAAAAAABRQDEB/vz9q29TeXN0ZW0uQ29sbGVjdGlvbnMuR2VuZXJpYy5EaWN0aW9uYXJ5YDJb" +
        "W3N0cmluZ10sW2ludF1dAQNBB3M2OQA6AuDoJoAAAAAAAIBSQIEAAAAAAMBSQOjg4CEAAyFAB3M3NwEDQQdzNzmBAAAAAABAVEAhgAAsUjpD" +
        "Sd8IgQAAAAAAAAAA4Ojg4CEAAyFAB3M4NUEHczg2QQdzODdBB3M4OEEHczg5QQdzOTAhgACiL3xESd8IgQAAAAAAAAAA4CGAAOjyn0RJ3wiB" +
        "AAAAAAAAAADggQAAAAAAgFdAgQAAAAAAwFdAIYAAAAAvRUnfCIEAAAAAAAAAAOAhgACMhnZFSd8IgQAAAAAAAAAA4CGAABgNvkVJ3wiBAAAA" +
        "AAAAAADgCQMRARHo4OAhAAMhCAMFgQAAAAAAACBAIYAASCfcRknfCIEAAAAAAAAAAOAhgADUrSNHSd8IgQAAAAAAAAAA4EEJczExMejg4AE1" +
        "ATkBA+A=";

    private const string StoredShelterLinkState =
        "ICCAAL4EHkhJ3wiBAAAAAAAAAADgAQMhAAMhIEAJczEyMkEJczEyM0EJczEyNAkDCUEJczEyNoEAAAAAAAA9QCGAAAYsy0lJ3wiBAAAAAAAA" +
        "AADgIYAATO/uSUnfCIEAAAAAAAAAAOAxAVnRtylXU3lzdGVtLkNvbGxlY3Rpb25zLkdlbmVyaWMuTGlzdGAxW1tzdHJpbmddXQADQQlzMTMy" +
        "4OjgOQMAA0EJczEzNOABA+jg4CEAAyEgQAlzMTM5QQlzMTQwQQlzMTQxCQMJQQlzMTQzgQAAAAAAAEdAIYAArCMrTEnfCIEAAAAAAAAAAOAh" +
        "gADy5k5MSd8IgQAAAAAAAAAA4DkDAANBCXMxNDng6OA5AwADQQlzMTUx4EEJczE1MkEJczE1MyGAANw9SU1J3wiBAAAAAAAAAADg6ODgAeEh" +
        "AQNBCXMxNTcgAAOBAAAAAACATkAhgADGlENOSd8IgQAAAAAAAAAA4Ojg4CEAAyFACXMxNjRBCXMxNjVBCXMxNjYhgABqKBpPSd8IgQAAAAAA" +
        "AAAA4Ojg4OA=";

    private const string StoredProposalState =
        "ICBACXMxNzBBCXMxNzFBCXMxNzJBCXMxNzNBCXMxNzQBYgIJAwUhgAAmyX9QSd8IgQAAAAAAAAAA4CGAAGyMo1BJ3wiBAAAAAAAAAADgQQlz" +
        "MTc5IYAA+BLrUEnfCIEAAAAAAAAAAODo4CEBA0EJczE4MkAhAAAAAAAAAABUAAAAAAAAAOAhAQNBCXMxODUgQAlzMTg3CQMJQQlzMTg5IYAA" +
        "tLNQUknfCIEAAAAAAAAAAOBBCXMxOTEhgABAOphSSd8IgQAAAAAAAAAA4AHyAujg4CEAAyEACgNBCXMxOTdBCXMxOTgJAwUJAwkJAwkhgABC" +
        "niFUSd8IgQAAAAAAAAAA4Ojg4CEIAw0JAwUhAClBIQAAAAAAAAAACwAAAAAAAAABMUEhAAAAAAAAAAANAAAAAAAAAAE5QSEAAAAAAAAAAA8A" +
        "AAAAAAAAAUFBIQAAAAAAAAAAEQAAAAAAAADo4CGAAFwPOlZJ3wiBAAAAAAAAAADg6OABUeA=";

    private static readonly StoredStateSerializer Storage = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());

    private static (T Loaded, byte[] Written, byte[] Again) RoundTrip<T>(string stored)
    {
        var written = Convert.FromBase64String(stored);
        var loaded = Storage.Deserialize<T>(new BinaryData(written))!;
        return (loaded, written, Storage.Serialize(loaded).ToArray());
    }

    [Fact]
    public void A_space_calendar_stored_with_public_lists_loads_and_stores_the_same_bytes()
    {
        var (calendar, written, again) = RoundTrip<SpaceCalendar>(StoredSpaceCalendar);
        Assert.NotEmpty(calendar.Reservations);
        Assert.NotEmpty(calendar.Overstays);
        Assert.NotNull(calendar.Definition);
        Assert.NotEqual(0, calendar.Version);
        Assert.Equal(written, again);
    }

    [Fact]
    public void A_shelter_stored_with_public_lists_loads_and_stores_the_same_bytes()
    {
        var (shelter, written, again) = RoundTrip<ShelterState>(StoredShelterState);
        Assert.NotEmpty(shelter.Ports);
        Assert.NotEmpty(shelter.Sessions);
        Assert.NotEmpty(shelter.Alarms);
        Assert.NotNull(shelter.CompoundId);
        Assert.Equal(written, again);
    }

    [Fact]
    public void A_shelter_link_stored_with_public_lists_loads_and_stores_the_same_bytes()
    {
        var (link, written, again) = RoundTrip<ShelterLinkState>(StoredShelterLinkState);
        Assert.NotEmpty(link.Pending);
        Assert.NotEmpty(link.Failures);
        Assert.NotEmpty(link.Relays);
        Assert.NotEmpty(link.Rejected);
        Assert.NotNull(link.LastSeenAt);
        Assert.Equal(written, again);
    }

    [Fact]
    public void A_vote_stored_with_public_collections_loads_and_stores_the_same_bytes()
    {
        var (vote, written, again) = RoundTrip<ProposalState>(StoredProposalState);
        Assert.NotEmpty(vote.Electorate);
        Assert.NotEmpty(vote.Ballots);
        Assert.NotEmpty(vote.Audit);
        Assert.NotNull(vote.Proposal);
        Assert.Equal(written, again);
    }
}
