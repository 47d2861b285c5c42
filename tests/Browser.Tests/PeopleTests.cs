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
        await newcomer.Page.WaitForURLAsync("**/welcome");
        await newcomer.Page.Locator("#invite-code").FillAsync(code.ToLowerInvariant());
        await newcomer.Page.Locator("#redeem-name").FillAsync("张伟");
        await newcomer.Page.Locator("#redeem-button").ClickAsync();
        await newcomer.Page.WaitForURLAsync("**/driver");

        await newcomer.Page.GotoAsync("me");
        await Expect(newcomer.Page.Locator("table.memberships tr[data-compound]")).ToContainTextAsync("H00050");
        await Expect(newcomer.Page.Locator("table.memberships")).ToContainTextAsync("张伟");

        // A second newcomer is told, in Chinese, that the code was used.
        await using var late = await PageSession.OpenAsync(app);
        await late.Page.GotoAsync("/");
        await late.Page.Locator("#sign-in-newcomer").ClickAsync();
        await late.Page.WaitForURLAsync("**/welcome");
        await late.Page.Locator("#invite-code").FillAsync(code);
        await late.Page.Locator("#redeem-name").FillAsync("李娜");
        await late.Page.Locator("#redeem-button").ClickAsync();
        await Expect(late.Page.Locator(".status-line .error")).ToHaveTextAsync("此邀请码已被使用，请向物业索取新的邀请码。");
        late.AssertNoErrors(e => e.Contains("409", StringComparison.Ordinal));
        newcomer.AssertNoErrors();
    }

    [GeneratedRegex("^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}$")]
    private static partial Regex CodePattern();
}
