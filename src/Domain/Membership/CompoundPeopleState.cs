namespace Parking.Domain.Membership;

/// <summary>
/// A compound's people book as its grain stores it, changing only through its methods: every book it keeps is
/// pruned of what is past the compound's retention first, and the daily prune stores only when something went.
/// </summary>
[GenerateSerializer]
public sealed class CompoundPeopleState
{
    [Id(0)]
    public PeopleBook Book { get; internal set; } = PeopleBook.Empty;

    /// <summary>Keeps <paramref name="next"/>, pruned at <paramref name="now"/>.</summary>
    public void Keep(PeopleBook next, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(next);
        Book = next.Prune(now);
    }

    /// <summary>Drops what is past retention at <paramref name="now"/>; returns whether anything went.</summary>
    public bool Prune(DateTimeOffset now)
    {
        var pruned = Book.Prune(now);
        if (ReferenceEquals(pruned, Book))
        {
            return false;
        }

        Book = pruned;
        return true;
    }
}

/// <summary>Which compound an invite code belongs to: the first compound to claim a code keeps it, so two compounds never share one.</summary>
[GenerateSerializer]
public sealed class InviteCodeState
{
    [Id(0)]
    public string? CompoundId { get; internal set; }

    /// <summary>Claims the code for <paramref name="compoundId"/>; false when a compound claimed it before (nothing changes).</summary>
    public bool Claim(string compoundId)
    {
        if (CompoundId is not null)
        {
            return false;
        }

        CompoundId = compoundId;
        return true;
    }
}
