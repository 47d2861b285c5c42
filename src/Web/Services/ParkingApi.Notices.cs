using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Parking.Web.Services;

/// <summary>The user's notices: inbox, preferences and this browser's Web Push subscription.</summary>
public sealed partial class ParkingApi
{
    private string NoticesPath => $"api/compounds/{Compound}/notices";

    public Task<InboxDto> InboxAsync() => SendAsync<InboxDto>(HttpMethod.Get, NoticesPath);

    public Task MarkNoticeReadAsync(string noticeId) =>
        SendWithoutAnswerAsync(HttpMethod.Post, $"{NoticesPath}/{Uri.EscapeDataString(noticeId)}/read", null);

    public Task NoticeClickedAsync(string noticeId, string channel) =>
        SendWithoutAnswerAsync(HttpMethod.Post, $"{NoticesPath}/{Uri.EscapeDataString(noticeId)}/clicked", new NoticeClickRequest(channel));

    public Task<NoticePreferencesDto> NoticePreferencesAsync() => SendAsync<NoticePreferencesDto>(HttpMethod.Get, $"{NoticesPath}/preferences");

    public Task<NoticePreferencesDto> SetNoticePreferencesAsync(NoticePreferencesRequest request) =>
        SendAsync<NoticePreferencesDto>(HttpMethod.Put, $"{NoticesPath}/preferences", request);

    public Task<PushKeyDto> PushKeyAsync() => SendAsync<PushKeyDto>(HttpMethod.Get, $"{NoticesPath}/push/key");

    public Task<PushSubscriptionDto> SubscribePushAsync(PushSubscriptionRequest request) =>
        SendAsync<PushSubscriptionDto>(HttpMethod.Post, $"{NoticesPath}/push/subscriptions", request);

    public Task UnsubscribePushAsync(string endpoint) =>
        SendWithoutAnswerAsync(HttpMethod.Delete, $"{NoticesPath}/push/subscriptions?endpoint={Uri.EscapeDataString(endpoint)}", null);

    private async Task SendWithoutAnswerAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (session.Token is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response);
        }
    }
}
