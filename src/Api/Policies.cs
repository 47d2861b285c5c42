namespace Parking.Api;

public static class Policies
{
    public const string Resident = nameof(Resident);
    public const string Staff = nameof(Staff);
    public const string Committee = nameof(Committee);
}
