namespace Parking.Silo;

public static class WebHosting
{
    /// <summary>
    /// Lets a silo started from its build output (<c>dotnet run</c>, tests) serve the web app's files from
    /// where the build left them, in any environment; a published silo has them in wwwroot and no
    /// runtime manifest, and this does nothing.
    /// </summary>
    public static WebApplicationBuilder AddParkingWeb(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    /// <summary>
    /// Serves the browser app (src/Web) at <c>/</c>: its fingerprinted, precompressed static assets
    /// (brotli/gzip chosen by Accept-Encoding), and <c>index.html</c> for the app's client-side routes.
    /// API, hub, OCPP, health and OpenAPI paths never fall back to the app, so unknown ones stay 404 problems.
    /// </summary>
    public static WebApplication MapParkingWeb(this WebApplication app)
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{app.Environment.ApplicationName}.staticwebassets.endpoints.json");
        if (!File.Exists(manifest))
        {
            // A host built without the web app (e.g. a test host of another assembly) serves the API only.
            return app;
        }

        app.MapStaticAssets(manifest);
        app.MapFallbackToFile("/", "index.html");
        app.MapFallbackToFile("{*path:regex(^(?!(api|hubs|health|openapi|ocpp)(/|$)).*$):nonfile}", "index.html");
        return app;
    }
}
