using Microsoft.Playwright;

namespace Parking.Browser.Tests;

/// <summary>A page in its own browser context that records console errors and uncaught exceptions.</summary>
public sealed class PageSession : IAsyncDisposable
{
    private readonly List<string> _errors = [];
    private readonly Lock _gate = new();
    private readonly WebAppFixture _app;

    private PageSession(WebAppFixture app, IBrowserContext context, IPage page)
    {
        _app = app;
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record($"console: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Record($"page error: {error}");
        page.Response += async (_, response) =>
        {
            if (response.Status >= 400)
            {
                // An async event handler: an exception here would end the test process. The page may close before its
                // body is read (a test ends while a refused request's answer is still arriving): record it without one.
                string body;
                try
                {
                    body = await response.TextAsync();
                }
                catch (PlaywrightException)
                {
                    body = "(body not read: the page closed)";
                }

                Record($"response: {response.Request.Method} {response.Url} {response.Status} {body}");
            }
        };
        page.RequestFailed += (_, request) => Record($"request failed: {request.Method} {request.Url} {request.Failure}");
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_gate)
            {
                return [.. _errors];
            }
        }
    }

    public static async Task<PageSession> OpenAsync(WebAppFixture app, int width = 1280, int height = 800, string locale = "zh-CN", string timezone = "Asia/Shanghai")
    {
        var context = await app.NewContextAsync(width, height, locale, timezone);
        // A wait, not a limit the product sets: on a 2-core machine busy with other test assemblies a sign-in's
        // navigation once took longer than 30 s (the page was right, only late).
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        return new PageSession(app, context, page);
    }

    /// <summary>Signs in on the start page as a demo user of the role, as a person would: role tab, then the user.</summary>
    public async Task SignInAsync(string role, string userId)
    {
        await Page.GotoAsync("/");
        await Page.Locator($"button[data-role='{role}']").ClickAsync();
        await Page.Locator($"button[data-role='{role}'][aria-pressed='true']").WaitForAsync();
        var listed = Page.Locator($"button[data-user='{userId}']");
        await Page.Locator("button[data-user]").First.WaitForAsync();
        if (await listed.CountAsync() > 0)
        {
            await listed.ClickAsync();
        }
        else
        {
            await Page.Locator("#user-id").FillAsync(userId);
            await Page.Locator("#sign-in").ClickAsync();
        }

        var home = role switch
        {
            "staff" => "staff",
            "committee" => "committee",
            "operator" => "operator",
            _ => "driver",
        };
        await WaitForLocationAsync("/" + home + "$", $"Signing in as {role} {userId}");
        await Page.Locator("h1").WaitForAsync();
    }

    /// <summary>
    /// Waits until the document's path and query (<c>location.pathname + location.search</c>) match
    /// <paramref name="pattern"/>, a JavaScript regular expression. The app moves between its pages inside the document
    /// (history API), and a wait for a navigation event can miss a move that lands between the click and the wait (seen
    /// twice in CI: the page had moved, the wait timed out), so this polls where the document is instead. On a timeout it
    /// says what the page showed, so a failure can be told from a slow machine.
    /// </summary>
    public async Task WaitForLocationAsync(string pattern, string what)
    {
        try
        {
            await Page.WaitForFunctionAsync("p => new RegExp(p).test(location.pathname + location.search)", pattern);
        }
        catch (TimeoutException e)
        {
            var shown = await Page.EvaluateAsync<string>(
                "() => `url ${location.href}; user-id '${document.querySelector('#user-id')?.value}'; error '${document.querySelector('.error')?.textContent ?? ''}'`");
            throw new TimeoutException($"{what} did not reach {pattern}: {shown}. Browser errors: {string.Join(" | ", Errors)}", e);
        }
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_app.Screenshots, name + ".png"), FullPage = true });

    /// <summary>scrollWidth and clientWidth of the document: no horizontal scrolling when the first is not larger.</summary>
    public async Task<(int ScrollWidth, int ClientWidth)> WidthsAsync()
    {
        var widths = await Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        return (widths[0], widths[1]);
    }

    public void AssertNoErrors() => Assert.True(Errors.Count == 0, "Browser errors:\n" + string.Join('\n', Errors));

    /// <summary>No errors but those the test provoked on purpose (e.g. failed hub requests while it cut the link).</summary>
    public void AssertNoErrors(Func<string, bool> expected)
    {
        var unexpected = Errors.Where(e => !expected(e)).ToList();
        Assert.True(unexpected.Count == 0, "Browser errors:\n" + string.Join('\n', unexpected));
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private void Record(string error)
    {
        lock (_gate)
        {
            _errors.Add(error);
        }
    }
}
