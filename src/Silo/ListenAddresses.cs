namespace Parking.Silo;

/// <summary>
/// Where the HTTP API, hub and web app listen. The ordinary ASP.NET Core ways choose it (<c>--urls</c>,
/// <c>ASPNETCORE_URLS</c>, <c>Urls</c> in any configuration source, <c>ASPNETCORE_HTTP_PORTS</c>, Kestrel
/// endpoints); only when none of them is given does the documented default apply. The default is not in
/// appsettings.json because that file is read after the <c>ASPNETCORE_</c> variables and would override them.
/// </summary>
public static class ListenAddresses
{
    public const string Default = "http://localhost:5080";

    public static WebApplicationBuilder UseDefaultListenAddress(this WebApplicationBuilder builder)
    {
        if (!IsChosen(builder.Configuration))
        {
            builder.WebHost.UseUrls(Default);
        }

        return builder;
    }

    /// <summary>True when the configuration already says where to listen.</summary>
    public static bool IsChosen(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpPortsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpsPortsKey])
        || configuration.GetSection("Kestrel:Endpoints").Exists();
}
