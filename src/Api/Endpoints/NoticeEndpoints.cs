using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Notices;
using Parking.Grains.Notices;

namespace Parking.Api.Endpoints;

/// <summary>A user's notices (inbox, preferences, push subscriptions) and, for staff, the compound's webhook relay.</summary>
public static class NoticeEndpoints
{
    public static RouteGroupBuilder MapNoticeEndpoints(this RouteGroupBuilder compound)
    {
        var notices = compound.MapGroup("/notices").WithTags("Notices");
        notices.MapGet("/", Inbox).WithSummary("My notices, newest first, with what each channel did with them");
        notices.MapPost("/{noticeId}/read", Read).WithSummary("Mark a notice read");
        notices.MapPost("/{noticeId}/clicked", Clicked).WithSummary("Record that a notice was opened, and from which channel");
        notices.MapGet("/preferences", Preferences).WithSummary("Which kinds I get on my phone and the webhook, and my quiet hours");
        notices.MapPut("/preferences", SetPreferences).WithSummary("Choose the kinds I get outside the app and my quiet hours (local time)");
        notices.MapGet("/push/key", PushKey).WithSummary("The VAPID public key for subscribing a browser to Web Push");
        notices.MapGet("/push/subscriptions", Subscriptions).WithSummary("My devices subscribed to Web Push");
        notices.MapPost("/push/subscriptions", Subscribe).WithSummary("Subscribe this browser to Web Push (endpoint, p256dh, auth)");
        notices.MapDelete("/push/subscriptions", Unsubscribe).WithSummary("Unsubscribe a browser (?endpoint=)");

        var webhook = notices.MapGroup("/webhook").RequireAuthorization(Policies.Staff);
        webhook.MapGet("/", Webhook).WithSummary("The compound's webhook relay (staff)");
        webhook.MapPut("/", SetWebhook).WithSummary("Set the compound's webhook relay; the secret is shown once (staff)");
        webhook.MapDelete("/", RemoveWebhook).WithSummary("Stop relaying to the webhook (staff)");
        webhook.MapGet("/deliveries", WebhookDeliveries).WithSummary("The webhook's delivery log, newest first (staff)");
        return compound;
    }

    public static async Task<Ok<InboxDto>> Inbox(string compoundId, HttpContext http, IGrainFactory grains)
    {
        var user = http.CurrentUser();
        var inbox = grains.NoticeInbox(compoundId, user.UserId);
        await inbox.SetHousehold(user.HouseholdId);
        var view = await inbox.Get();
        return TypedResults.Ok(new InboxDto(
            [.. view.Entries.Reverse().Select(ToDto)],
            view.Entries.Count(e => !e.Read)));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Read(string compoundId, string noticeId, HttpContext http, IGrainFactory grains)
    {
        var inbox = grains.NoticeInbox(compoundId, http.CurrentUser().UserId);
        return await inbox.MarkRead(noticeId) || await Has(inbox, noticeId) ? TypedResults.NoContent() : NoSuchNotice();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Clicked(
        string compoundId, string noticeId, NoticeClickRequest? request, HttpContext http, IGrainFactory grains)
    {
        var channel = string.IsNullOrEmpty(request?.Channel) ? "inbox" : request.Channel;
        if (!IsChannel(channel))
        {
            return Problems.Invalid("channel", "channel must be inbox, webhook or push:<device> as the notice named it.", "notice-channel-invalid");
        }

        var inbox = grains.NoticeInbox(compoundId, http.CurrentUser().UserId);
        return await inbox.Click(noticeId, channel) ? TypedResults.NoContent() : NoSuchNotice();
    }

    public static async Task<Ok<NoticePreferencesDto>> Preferences(string compoundId, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(ToDto((await grains.NoticeInbox(compoundId, http.CurrentUser().UserId).Get()).Preferences));

    public static async Task<Results<Ok<NoticePreferencesDto>, ProblemHttpResult>> SetPreferences(
        string compoundId, NoticePreferencesRequest request, HttpContext http, IGrainFactory grains)
    {
        var muted = new List<NoticeKind>();
        foreach (var name in request.Muted ?? [])
        {
            if (KindOf(name) is not { } kind)
            {
                return Problems.Invalid("muted", $"'{name}' is not a kind of notice; kinds: {string.Join(", ", AllKinds)}.", "notice-kind-unknown");
            }

            muted.Add(kind);
        }

        if (!TryTime(request.QuietFrom, out var from))
        {
            return Problems.Invalid("quietFrom", "quietFrom must be a time of day as HH:mm.", "quiet-hours-invalid");
        }

        if (!TryTime(request.QuietUntil, out var until))
        {
            return Problems.Invalid("quietUntil", "quietUntil must be a time of day as HH:mm.", "quiet-hours-invalid");
        }

        var preferences = NoticePreferences.Create(muted, from, until);
        if (preferences.Error is { } error)
        {
            return Problems.From(error);
        }

        await grains.NoticeInbox(compoundId, http.CurrentUser().UserId).SetPreferences(preferences.Value!);
        return TypedResults.Ok(ToDto(preferences.Value!));
    }

    public static async Task<Ok<PushKeyDto>> PushKey(IGrainFactory grains, IOptions<NoticeOptions> options) =>
        TypedResults.Ok(new PushKeyDto((await NoticeSenderGrain.VapidKeysOf(options.Value, grains)).PublicKey));

    public static async Task<Ok<PushSubscriptionDto[]>> Subscriptions(string compoundId, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok((await grains.NoticeInbox(compoundId, http.CurrentUser().UserId).Get()).Subscriptions.Select(ToDto).ToArray());

    public static async Task<Results<Created<PushSubscriptionDto>, ProblemHttpResult>> Subscribe(
        string compoundId, PushSubscriptionRequest request, HttpContext http, IGrainFactory grains, ParkingClock time)
    {
        var subscription = PushSubscriptionKeys.Create(request.Endpoint, request.P256dh, request.Auth, time.GetUtcNow());
        if (subscription.Error is { } error)
        {
            return Problems.From(error);
        }

        var user = http.CurrentUser();
        var inbox = grains.NoticeInbox(compoundId, user.UserId);
        await inbox.SetHousehold(user.HouseholdId);
        await inbox.Subscribe(subscription.Value!);
        return TypedResults.Created($"/api/compounds/{compoundId}/notices/push/subscriptions", ToDto(subscription.Value!));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Unsubscribe(string compoundId, string? endpoint, HttpContext http, IGrainFactory grains)
    {
        if (string.IsNullOrEmpty(endpoint))
        {
            return Problems.Invalid("endpoint", "Name the subscription to remove by its endpoint (?endpoint=).", "push-endpoint-invalid");
        }

        return await grains.NoticeInbox(compoundId, http.CurrentUser().UserId).Unsubscribe(endpoint)
            ? TypedResults.NoContent()
            : Problems.From(DomainError.NotFound("push-subscription-not-found", "No subscription of yours has that endpoint."));
    }

    public static async Task<Results<Ok<WebhookSettingsDto>, ProblemHttpResult>> Webhook(string compoundId, IGrainFactory grains) =>
        await grains.WebhookRelay(compoundId).GetSettings() is { } settings
            ? TypedResults.Ok(new WebhookSettingsDto(settings.Url, settings.SecretHint, settings.ConfiguredAt, settings.ConfiguredBy))
            : NoWebhook();

    public static async Task<Results<Ok<WebhookConfiguredDto>, ProblemHttpResult>> SetWebhook(
        string compoundId, WebhookRequest request, HttpContext http, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(request.Url) || request.Url.Length > 2048
            || !Uri.TryCreate(request.Url, UriKind.Absolute, out var url)
            || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
            || !string.IsNullOrEmpty(url.UserInfo))
        {
            return Problems.Invalid("url", "url must be an https URL (plain http only on loopback), at most 2048 characters.", "webhook-url-invalid");
        }

        if (request.Secret is { } given && (given.Length < 16 || given.Length > 200))
        {
            return Problems.Invalid("secret", "secret must be 16 to 200 characters; leave it out to have one made.", "webhook-secret-invalid");
        }

        var secret = await grains.WebhookRelay(compoundId).Configure(url.AbsoluteUri, request.Secret, http.CurrentUser().UserId);
        return TypedResults.Ok(new WebhookConfiguredDto(url.AbsoluteUri, secret));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveWebhook(string compoundId, IGrainFactory grains) =>
        await grains.WebhookRelay(compoundId).Remove() ? TypedResults.NoContent() : NoWebhook();

    public static async Task<Ok<WebhookDeliveryDto[]>> WebhookDeliveries(string compoundId, IGrainFactory grains) =>
        TypedResults.Ok((await grains.WebhookRelay(compoundId).Deliveries()).Reverse().Select(d => new WebhookDeliveryDto(
            d.NoticeId, d.UserId, d.Kind.ToDto(), d.Status.ToDto(), d.Attempts, d.At, d.HttpStatus, d.Error)).ToArray());

    public static NoticeDto ToDto(InboxEntry entry) => new(
        entry.Notice.Id,
        entry.Notice.Kind.ToDto(),
        entry.Notice.Title,
        entry.Notice.Body,
        entry.Notice.Link,
        entry.Notice.CreatedAt,
        entry.Read,
        [.. entry.Deliveries.Select(d => new NoticeDeliveryDto(d.Channel, d.Status.ToDto(), d.At, d.Attempts, d.Error))]);

    private static readonly NoticeKindDto[] AllKinds = [.. Enum.GetValues<NoticeKind>().Select(Mapping.ToDto)];

    private static NoticePreferencesDto ToDto(NoticePreferences p) =>
        new([.. p.Muted.Select(Mapping.ToDto)], Clock(p.QuietFrom), Clock(p.QuietUntil), AllKinds);

    private static PushSubscriptionDto ToDto(PushSubscriptionKeys s) => new(s.Channel, s.Endpoint, s.CreatedAt);

    private static string? Clock(TimeOnly? time) => time?.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static NoticeKind? KindOf(string name) =>
        Enum.GetValues<NoticeKind>().Cast<NoticeKind?>().FirstOrDefault(k => k!.Value.ToDto().WireName() == name);

    private static bool TryTime(string? text, out TimeOnly? time)
    {
        time = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    private static bool IsChannel(string channel) =>
        channel is "inbox" or WebhookRelay.Channel
        || (channel.StartsWith("push:", StringComparison.Ordinal) && channel.Length == 17 && channel[5..].All(char.IsAsciiHexDigitLower));

    private static async Task<bool> Has(INoticeInboxGrain inbox, string noticeId) =>
        (await inbox.Get()).Entries.Any(e => e.Notice.Id == noticeId);

    private static ProblemHttpResult NoSuchNotice() => Problems.From(DomainError.NotFound("notice-not-found", "No notice of yours has that id."));

    private static ProblemHttpResult NoWebhook() => Problems.From(DomainError.NotFound("webhook-not-configured", "This compound relays no notices to a webhook."));
}
