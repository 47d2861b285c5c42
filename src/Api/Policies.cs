namespace Parking.Api;

public static class Policies
{
    public const string Resident = nameof(Resident);
    public const string Staff = nameof(Staff);
    public const string Committee = nameof(Committee);

    /// <summary>Those who plan the compound's layout: the owners' committee and property staff.</summary>
    public const string Planner = nameof(Planner);

    /// <summary>Those who manage a compound's people: its staff and the sub-district operator.</summary>
    public const string PeopleManager = nameof(PeopleManager);

    /// <summary>Those who watch a compound's lots live: its staff and the sub-district operator.</summary>
    public const string Watcher = nameof(Watcher);
}
