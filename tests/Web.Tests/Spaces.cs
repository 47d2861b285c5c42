using Parking.Contracts;

namespace Parking.Web.Tests;

internal static class Spaces
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.FromHours(8));

    public static SpaceOccupancyDto Space(string id, string status = "free", params TimeWindowDto[] held) =>
        new(id, id, SpaceKindDto.Standard, SpaceOwnershipDto.Common, status.As<SpaceStatusDto>(), held, 1);

    public static TimeWindowDto Window(double fromHours, double toHours) => new(Now.AddHours(fromHours), Now.AddHours(toHours));
}
