using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>The owners' vote in the web app: a household votes on the seeded demo proposal and the committee sees it live.</summary>
[Collection(WebAppCollection.Name)]
public sealed class VotingTests(WebAppFixture app)
{
    [Fact]
    public async Task A_household_votes_on_a_phone_and_the_committee_page_shows_turnout_move_without_reload()
    {
        // r00003 lives in H00003, one of the households the demo seed leaves to vote themselves.
        const string ResidentId = "r00003";
        await using var committee = await PageSession.OpenAsync(app);
        await using var resident = await PageSession.OpenAsync(app, 360, 740);
        await committee.SignInAsync("committee", "committee01");
        await resident.SignInAsync("resident", ResidentId);

        await committee.Page.GotoAsync("committee/proposals");
        var proposal = committee.Page.Locator("section.proposal[data-proposal='demo']");
        var owners = proposal.Locator(".meter-row[data-meter='owners']");
        await Expect(owners).ToBeVisibleAsync();
        await Expect(proposal.Locator(".meter-row[data-meter='yes-owners']")).ToBeVisibleAsync();
        var before = await owners.GetAttributeAsync("data-value");
        await proposal.Locator("button.audit-toggle").ClickAsync();
        await Expect(proposal.Locator("table.audit")).ToBeVisibleAsync();
        await Expect(proposal.Locator("table.audit td", new() { HasTextString = "H00003" })).ToHaveCountAsync(0);

        await resident.Page.GotoAsync("vote");
        var mine = resident.Page.Locator("section.proposal[data-proposal='demo']");
        await Expect(mine.Locator(".my-ballot")).ToHaveAttributeAsync("data-choice", "none");
        Assert.Equal(0, await mine.Locator(".meter-row[data-meter='yes-owners']").CountAsync());

        // With the keyboard: focus the button and press Enter.
        await mine.Locator("button[data-choice='yes']").FocusAsync();
        await resident.Page.Keyboard.PressAsync("Enter");
        await Expect(mine.Locator(".my-ballot")).ToHaveAttributeAsync("data-choice", "yes");
        await Expect(mine.Locator("button[data-choice='yes']")).ToHaveAttributeAsync("aria-pressed", "true");
        await resident.ScreenshotAsync("vote-phone");
        var (scrollWidth, clientWidth) = await resident.WidthsAsync();
        Assert.True(scrollWidth <= clientWidth, $"The vote page scrolls sideways at 360 px: {scrollWidth} > {clientWidth}.");

        // The committee's page, never reloaded, hears the push: turnout moved and the audit trail has the ballot.
        await Expect(owners).Not.ToHaveAttributeAsync("data-value", before!);
        await Expect(proposal.Locator("table.audit tr", new() { HasTextString = "H00003" })).ToContainTextAsync(ResidentId);
        await committee.ScreenshotAsync("committee-proposals");
        committee.AssertNoErrors();
        resident.AssertNoErrors();
    }
}
