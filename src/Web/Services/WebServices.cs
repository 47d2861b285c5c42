using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

namespace Parking.Web.Services;

public static class WebServices
{
    /// <summary>The app's services: the session, the API client, the live connection, localization and the clock.</summary>
    public static WebAssemblyHostBuilder AddParkingWeb(this WebAssemblyHostBuilder builder)
    {
        var services = builder.Services;
        var baseAddress = new Uri(builder.HostEnvironment.BaseAddress);
        services.AddLocalization();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new HttpClient { BaseAddress = baseAddress });
        services.AddScoped<Session>();
        services.AddScoped<CultureChoice>();
        services.AddScoped<ParkingApi>();
        services.AddScoped<LocalDisplay>();
        services.AddScoped<ScenarioApi>();
        services.AddScoped<LiveConnection>(sp => new LiveConnection(new Uri(baseAddress, ParkingHub.Path.TrimStart('/')), sp.GetRequiredService<Session>()));
        return builder;
    }
}
