using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Parking.Api.Auth;
using Parking.Api.Endpoints;
using Parking.Api.Hubs;
using Parking.Api.Ocpp;

namespace Parking.Api;

public static class ParkingApiExtensions
{
    /// <summary>Adds what the HTTP API and the hub need: the rules' settings, auth, problem details, OpenAPI, SignalR, health.</summary>
    /// <param name="builder">The host being composed.</param>
    /// <param name="devTokensByDefault">Whether dev tokens are on when not configured (<see cref="ApiSettings.AddApiSettings"/>).</param>
    public static IHostApplicationBuilder AddParkingApi(this IHostApplicationBuilder builder, bool devTokensByDefault = true)
    {
        var services = builder.Services;
        builder.AddApiSettings(devTokensByDefault);
        services.AddParkingRules();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<DevTokenIssuer>();
        services.AddSingleton<Ocpp.OcppHost>();
        services.AddHostedService(sp => sp.GetRequiredService<Ocpp.OcppHost>());
        services.AddSingleton<Parking.Grains.Compounds.CompoundImporter>();
        services.AddSingleton<ImportJobRunner>();
        services.AddHttpContextAccessor();
        services.AddTransient<Microsoft.AspNetCore.Authentication.IClaimsTransformation, MembershipClaimsTransformation>();
        services.AddSingleton<HubObserver>();
        services.AddHostedService<HubObserverRegistration>();
        services.AddHostedService<WatchedLotKeeper>();

        services.AddParkingRequestLimits();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = AddCode);
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ServiceUnavailableHandler>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new EnumNameConverter()));
        services.AddOpenApi();
        // JSON for the web app; MessagePack beside it for clients that ask (smaller and cheaper to write per watcher).
        services.AddSignalR().AddMessagePackProtocol();

        // Bounds what one hub connection may hold unsent (Parking:Hub:MaxPendingMessagesPerConnection).
        services.AddSingleton<Microsoft.AspNetCore.SignalR.HubLifetimeManager<ParkingHubServer>, BoundedHubLifetimeManager>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<ParkingAuthOptions>, SigningKeys>(ConfigureJwtBearer);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Resident, p => p.RequireRole(Roles.Resident))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Staff))
            .AddPolicy(Policies.Committee, p => p.RequireRole(Roles.Committee))
            .AddPolicy(Policies.Planner, p => p.RequireRole(Roles.Committee, Roles.Staff))
            .AddPolicy(Policies.PeopleManager, p => p.RequireRole(Roles.Staff, Roles.Operator))
            .AddPolicy(Policies.Watcher, p => p.RequireRole(Roles.Staff, Roles.Operator));

        services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return builder;
    }

    /// <summary>Maps the HTTP API under <c>/api</c>, the hub, OpenAPI and health endpoints.</summary>
    public static WebApplication MapParkingApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });

        app.MapCompoundImportEndpoints();
        app.MapDashboardEndpoints();

        var compound = app.MapGroup("/api/compounds/{compoundId}")
            .RequireAuthorization()
            .AddEndpointFilter<CompoundAccessFilter>()
            .RequireCallerLimit()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        compound.MapAvailabilityEndpoints();
        compound.MapReservationEndpoints();
        compound.MapLotEndpoints();
        compound.MapReportEndpoints();
        compound.MapShelterEndpoints();
        compound.MapShelterControllerEndpoints();
        compound.MapGateEndpoints();
        app.MapGateDeviceEndpoints();
        compound.MapChargingEndpoints();
        compound.MapChargingHistoryEndpoints();
        compound.MapSharingEndpoints();
        compound.MapCreditEndpoints();
        compound.MapVisitorEndpoints();
        compound.MapRoundEndpoints();
        compound.MapWaitlistEndpoints();
        compound.MapCompoundInfoEndpoints();
        compound.MapCompoundFileEndpoints();
        compound.MapMySpacesEndpoints();
        compound.MapSpaceAdminEndpoints();
        compound.MapScenarioEndpoints();
        compound.MapRebalancingEndpoints();
        compound.MapVotingEndpoints();
        compound.MapOcppEndpoints();
        compound.MapChargingCardEndpoints();
        compound.MapNoticeEndpoints();
        compound.MapPeopleEndpoints();
        compound.MapCompoundDashboardEndpoints();
        app.MapPersonEndpoints();

        var auth = app.Services.GetRequiredService<IOptions<ParkingAuthOptions>>().Value;
        if (auth.DevTokens && !auth.UsesExternalIssuer)
        {
            app.MapDevEndpoints();
        }

        app.MapHub<ParkingHubServer>(ParkingHub.Path);
        app.MapOcppCentralSystem();
        return app;
    }

    /// <summary>Problem details written by the framework (401, 403, 404 of unknown routes, 405) get a code like ours.</summary>
    private static void AddCode(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var code = problem.Status switch
        {
            StatusCodes.Status400BadRequest => "malformed-request",
            StatusCodes.Status401Unauthorized => "unauthenticated",
            StatusCodes.Status403Forbidden => "forbidden",
            StatusCodes.Status404NotFound => "not-found",
            StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
            StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
            StatusCodes.Status503ServiceUnavailable => "service-unavailable",
            _ => "error",
        };
        problem.Extensions["code"] = code;
        problem.Type ??= Problems.TypeFor(code);
    }

    private static void ConfigureJwtBearer(JwtBearerOptions jwt, IOptions<ParkingAuthOptions> options, SigningKeys keys)
    {
        var auth = options.Value;
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAudience = auth.Audience,
            ValidIssuer = auth.UsesExternalIssuer ? auth.Authority : auth.Issuer,
            NameClaimType = CurrentUser.NameClaim,
            RoleClaimType = CurrentUser.RoleClaim,
            ClockSkew = TimeSpan.FromMinutes(1),
        };

        if (auth.UsesExternalIssuer)
        {
            jwt.Authority = auth.Authority;
            jwt.Audience = auth.Audience;
        }
        else
        {
            jwt.TokenValidationParameters.IssuerSigningKey = keys.Key;
        }

        // A token is checked once and then trusted until it expires (at most a few minutes): the check was 3-5 % of a
        // booking's CPU. Each handler keeps its own bounded cache.
        if (auth.ValidatedTokenCache > 0)
        {
            var handlers = jwt.TokenHandlers.ToList();
            jwt.TokenHandlers.Clear();
            foreach (var handler in handlers)
            {
                jwt.TokenHandlers.Add(new ValidatedTokenCache(handler, TimeProvider.System, auth.ValidatedTokenCache));
            }
        }

        // Browsers cannot set headers on WebSocket requests: the hub takes the token from the query string.
        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (context.HttpContext.Request.Path.StartsWithSegments(ParkingHub.Path)
                    && context.Request.Query["access_token"] is { Count: > 0 } token)
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
        };
    }
}
