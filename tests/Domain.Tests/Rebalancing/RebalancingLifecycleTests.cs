using Parking.Domain.Rebalancing;
using Xunit;

namespace Parking.Domain.Tests.Rebalancing;

public class RebalancingLifecycleTests
{
    public static TheoryData<RebalancingStatus, RebalancingStatus> Allowed => new()
    {
        { RebalancingStatus.Running, RebalancingStatus.Ready },
        { RebalancingStatus.Running, RebalancingStatus.Failed },
        { RebalancingStatus.Running, RebalancingStatus.Cancelled },
        { RebalancingStatus.Ready, RebalancingStatus.Accepted },
        { RebalancingStatus.Ready, RebalancingStatus.Rejected },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void A_proposal_moves_along_its_life_cycle(RebalancingStatus from, RebalancingStatus to)
    {
        Assert.True(RebalancingLifecycle.Allows(from, to));
        Assert.Equal(RebalancingLifecycle.Name(to), RebalancingLifecycle.Move(RebalancingLifecycle.Name(from), to));
    }

    [Fact]
    public void Every_other_move_is_refused_and_nothing_leaves_a_final_status()
    {
        var allowed = Allowed.Select(row => ((RebalancingStatus)row[0], (RebalancingStatus)row[1])).ToHashSet();
        foreach (var from in Enum.GetValues<RebalancingStatus>())
        {
            foreach (var to in Enum.GetValues<RebalancingStatus>().Where(to => !allowed.Contains((from, to))))
            {
                Assert.False(RebalancingLifecycle.Allows(from, to), $"{from} -> {to}");
                Assert.Throws<InvalidOperationException>(() => RebalancingLifecycle.Move(RebalancingLifecycle.Name(from), to));
            }

            if (RebalancingLifecycle.IsFinal(from))
            {
                Assert.DoesNotContain(allowed, move => move.Item1 == from);
            }
        }
    }

    [Fact]
    public void Only_a_ready_proposal_can_be_decided_and_a_new_one_runs()
    {
        Assert.Equal([RebalancingStatus.Ready], Enum.GetValues<RebalancingStatus>().Where(RebalancingLifecycle.CanBeDecided));
        Assert.Equal(RebalancingStatus.Running, RebalancingLifecycle.Initial);
    }

    [Fact]
    public void Stored_names_are_the_ones_clients_already_read()
    {
        Assert.Equal(
            ["running", "ready", "accepted", "rejected", "cancelled", "failed"],
            Enum.GetValues<RebalancingStatus>().Select(RebalancingLifecycle.Name));
        foreach (var status in Enum.GetValues<RebalancingStatus>())
        {
            Assert.Equal(status, RebalancingLifecycle.Parse(RebalancingLifecycle.Name(status)));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => RebalancingLifecycle.Parse("Running"));
    }
}
