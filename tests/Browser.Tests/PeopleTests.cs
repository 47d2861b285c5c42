using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>
/// Staff invite a household and print its slip; a newcomer signs in, redeems the code and lands in the compound as a
/// resident of that household; they see their data, and the same code cannot be redeemed again. In Chinese, as the
/// app opens for a browser set to zh-CN.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed partial class PeopleTests(WebAppFixture app)
{
    [Fact]
    public async Task Staff_print_an_invite_and_a_newcomer_redeems_it_once()
    {
        string code;
        await using (var staff = await PageSession.OpenAsync(app))
        {
            await staff.SignInAsync("staff", "staff02");
            await staff.Page.GotoAsync("staff/people");
            await staff.Page.Locator("#invite-household").FillAsync("H00050");
            await staff.Page.Locator("#invite-days").FillAsync("7");
            await staff.Page.Locator("#create-invite-button").ClickAsync();
            var row = staff.Page.Locator("table.invites tr[data-status='open']").First;
            await Expect(row).ToContainTextAsync("H00050");
            code = (await row.GetAttributeAsync("data-code"))!;
            Assert.Matches(CodePattern(), code);
            await Expect(staff.Page.Locator("table.audit tr[data-action='inviteCreated']").First).ToContainTextAsync("staff02");

            await row.Locator("a.print-slip").ClickAsync();
            await Expect(staff.Page.Locator("article.slip .slip-code")).ToHaveTextAsync(code);
            await Expect(staff.Page.Locator("article.slip")).ToContainTextAsync("Parking 入户邀请");
            staff.AssertNoErrors();
        }

        await using var newcomer = await PageSession.OpenAsync(app);
        await newcomer.Page.GotoAsync("/");
        await newcomer.Page.Locator("#sign-in-newcomer").ClickAsync();
        await newcomer.WaitForLocationAsync("/welcome$", "The newcomer's sign-in");
        await newcomer.Page.Locator("#invite-code").FillAsync(code.ToLowerInvariant());
        await newcomer.Page.Locator("#redeem-name").FillAsync("张伟");
        await newcomer.Page.Locator("#redeem-button").ClickAsync();
        await newcomer.WaitForLocationAsync("/driver$", "Redeeming the invite");

        await newcomer.Page.GotoAsync("me");
        await Expect(newcomer.Page.Locator("table.memberships tr[data-compound]")).ToContainTextAsync("H00050");
        await Expect(newcomer.Page.Locator("table.memberships")).ToContainTextAsync("张伟");

        // A second newcomer is told, in Chinese, that the code was used.
        await using var late = await PageSession.OpenAsync(app);
        await late.Page.GotoAsync("/");
        await late.Page.Locator("#sign-in-newcomer").ClickAsync();
        await late.WaitForLocationAsync("/welcome$", "The late newcomer's sign-in");
        await late.Page.Locator("#invite-code").FillAsync(code);
        await late.Page.Locator("#redeem-name").FillAsync("李娜");
        await late.Page.Locator("#redeem-button").ClickAsync();
        await Expect(late.Page.Locator(".status-line .error")).ToHaveTextAsync("此邀请码已被使用，请向物业索取新的邀请码。");
        late.AssertNoErrors(e => e.Contains("409", StringComparison.Ordinal));
        newcomer.AssertNoErrors();
    }

    [Fact]
    public async Task Staff_page_through_the_residents_and_find_one_by_a_plate_typed_loosely()
    {
        await using var staff = await PageSession.OpenAsync(app);
        await staff.SignInAsync("staff", "staff01");
        await staff.Page.GotoAsync("staff/people");
        var rows = staff.Page.Locator("table.residents tbody tr");
        var pager = staff.Page.Locator("#residents-page");
        await Expect(rows).ToHaveCountAsync(25);
        await Expect(pager).ToHaveTextAsync(PageOne());
        await Expect(staff.Page.Locator("#residents-previous")).ToBeDisabledAsync();
        var firstOfPageOne = (await rows.First.GetAttributeAsync("data-person"))!;

        await staff.Page.Locator("#residents-next").ClickAsync();
        await Expect(pager).ToHaveTextAsync(PageTwo());
        await Expect(rows.First).Not.ToHaveAttributeAsync("data-person", firstOfPageOne);
        await Expect(staff.Page.Locator("#residents-previous")).ToBeEnabledAsync();

        // A resident of page two who has a car, found by that plate typed in lower case with a space.
        var withCar = rows.Filter(new() { Has = staff.Page.Locator("td:nth-child(3)", new() { HasTextRegex = AnyPlate() }) }).First;
        var person = (await withCar.GetAttributeAsync("data-person"))!;
        var unit = await withCar.Locator("td:nth-child(2)").InnerTextAsync();
        var plate = (await withCar.Locator("td:nth-child(3)").InnerTextAsync()).Split(", ")[0];
        await staff.Page.Locator("#resident-query").FillAsync(plate[..2] + " " + plate[2..].ToLowerInvariant());
        await staff.Page.Locator("#resident-search-button").ClickAsync();

        var found = staff.Page.Locator($"table.residents tbody tr[data-person='{person}']");
        await Expect(found).ToBeVisibleAsync();
        await Expect(found.Locator("td:nth-child(2)")).ToHaveTextAsync(unit);
        await Expect(pager).ToHaveTextAsync(PageOne());
        await Expect(staff.Page.Locator("#residents-next")).ToBeDisabledAsync();
        foreach (var row in await rows.AllAsync())
        {
            await Expect(row.Locator("td:nth-child(3)")).ToContainTextAsync(plate);
        }

        staff.AssertNoErrors();
    }

    [GeneratedRegex(@"^第 1 页，共 \d+ 页$")]
    private static partial Regex PageOne();

    [GeneratedRegex(@"^第 2 页，共 \d+ 页$")]
    private static partial Regex PageTwo();

    [GeneratedRegex(@"\S")]
    private static partial Regex AnyPlate();

    [GeneratedRegex("^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}$")]
    private static partial Regex CodePattern();
}
