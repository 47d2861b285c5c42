using Parking.Domain.Ocpp;
using Xunit;

namespace Parking.Domain.Tests.Ocpp;

/// <summary>Cards are found whatever the idTag's case (OCPP CiString), keep their first registration time, and go with their resident.</summary>
public class ChargingCardsStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_idTag_is_found_whatever_its_case_and_a_change_keeps_the_first_registration_time()
    {
        var cards = new ChargingCardsState();
        cards.Register("card-a", "ann", blocked: false, Now);

        var changed = cards.Register("CARD-A", "bob", blocked: true, Now.AddDays(1));

        Assert.Equal(new ChargingCard("CARD-A", "bob", true, Now), changed);
        Assert.Equal(changed, cards.Find("Card-A"));
        Assert.Single(cards.Cards);
        Assert.Null(cards.Find("card-b"));
    }

    [Fact]
    public void The_list_is_by_idTag_and_a_residents_cards_go_with_them()
    {
        var cards = new ChargingCardsState();
        cards.Register("b2", "ann", blocked: false, Now);
        cards.Register("a1", "ann", blocked: false, Now);
        cards.Register("c3", "bob", blocked: false, Now);

        Assert.Equal(["a1", "b2", "c3"], cards.Listed().Select(c => c.IdTag));
        Assert.Equal(2, cards.Forget("ann"));
        Assert.Equal(0, cards.Forget("ann"));
        Assert.Equal(["c3"], cards.Listed().Select(c => c.IdTag));
    }
}
