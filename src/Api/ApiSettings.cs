using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parking.Api.Auth;
using Parking.Api.Devices;
using Parking.Grains;

namespace Parking.Api;

/// <summary>
/// The one place the API layer binds its settings: <c>Parking:Auth</c>, <c>Parking:Limits</c> and <c>Parking:Mqtt</c>.
/// Each is checked before the host serves anything: a value the API would misread or fail on later stops the start
/// with an <see cref="OptionsValidationException"/> that names every such key and why (the rules' sections and <c>Parking:Hub</c>,
/// which the grains read too, are bound in Grains, <c>AddParkingRules</c>).
/// </summary>
public static class ApiSettings
{
    /// <param name="builder">The host being composed.</param>
    /// <param name="devTokensByDefault">
    /// Whether <c>Parking:Auth:DevTokens</c> is on when not configured. Dev tokens hand a token for any demo user to
    /// anyone who asks: fine for the in-memory embedded default, not for a deployment with real data, so a silo on
    /// PostgreSQL passes false (on only when configured on).
    /// </param>
    public static IHostApplicationBuilder AddApiSettings(this IHostApplicationBuilder builder, bool devTokensByDefault = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ParkingAuthOptions>()
            .Configure(o => o.DevTokens = devTokensByDefault)
            .BindConfiguration(ParkingAuthOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ParkingAuthOptions>, AuthSettingsCheck>();
        services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RequestLimitOptions>, LimitSettingsCheck>();

        // Read while the host is composed (whether to start a broker and a client at all depends on it); that one
        // instance is the options the services get, so it is checked here, before anything starts.
        var mqtt = builder.Configuration.GetSection(MqttOptions.SectionName).Get<MqttOptions>() ?? new MqttOptions();
        Check(mqtt).ThrowIfFailed(typeof(MqttOptions));

        services.AddSingleton(Options.Create(mqtt));
        return builder;
    }

    /// <summary>The <c>Parking:Mqtt</c> settings <see cref="AddApiSettings"/> read.</summary>
    public static MqttOptions MqttSettings(this IServiceCollection services) =>
        services.LastOrDefault(d => d.ServiceType == typeof(IOptions<MqttOptions>))?.ImplementationInstance is IOptions<MqttOptions> options
            ? options.Value
            : throw new InvalidOperationException($"{MqttOptions.SectionName} is read by {nameof(AddApiSettings)}; call it first.");

    private sealed class AuthSettingsCheck : IValidateOptions<ParkingAuthOptions>
    {
        public ValidateOptionsResult Validate(string? name, ParkingAuthOptions options)
        {
            var check = new SettingsCheck(ParkingAuthOptions.SectionName);
            check.That(
                string.IsNullOrWhiteSpace(options.Authority) || (Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority)
                    && (authority.Scheme == Uri.UriSchemeHttps || authority.Scheme == Uri.UriSchemeHttp)),
                nameof(options.Authority),
                $"be the issuer's absolute http(s) URL (was '{options.Authority}')");
            check.That(
                string.IsNullOrWhiteSpace(options.SigningKey) || KeyBytes(options.SigningKey) is >= 32,
                nameof(options.SigningKey),
                "be base64 of at least 32 bytes (an HMAC-SHA256 key); leave it empty for a random key per process");
            check.NotEmpty(nameof(options.Audience), options.Audience);
            check.NotEmpty(nameof(options.Issuer), options.Issuer);
            check.LongerThanZero(nameof(options.TokenLifetime), options.TokenLifetime);
            check.That(options.ValidatedTokenCache >= 0, nameof(options.ValidatedTokenCache), $"be 0 (check every request) or more (was {options.ValidatedTokenCache})");
            return check.Result();
        }

        private static int? KeyBytes(string base64)
        {
            var buffer = new byte[base64.Length];
            return Convert.TryFromBase64String(base64, buffer, out var written) ? written : null;
        }
    }

    private sealed class LimitSettingsCheck : IValidateOptions<RequestLimitOptions>
    {
        public ValidateOptionsResult Validate(string? name, RequestLimitOptions options)
        {
            var check = new SettingsCheck(RequestLimitOptions.SectionName);
            check.AtLeastOne(nameof(options.UserRequestsPerSecond), options.UserRequestsPerSecond);
            check.AtLeastOne(nameof(options.UserBurst), options.UserBurst);
            check.AtLeastOne(nameof(options.AnonymousRequestsPerSecond), options.AnonymousRequestsPerSecond);
            check.AtLeastOne(nameof(options.AnonymousBurst), options.AnonymousBurst);
            check.AtLeastOne(nameof(options.DeviceRequestsPerSecond), options.DeviceRequestsPerSecond);
            check.AtLeastOne(nameof(options.DeviceBurst), options.DeviceBurst);
            check.AtLeastOne(nameof(options.MaxRequestBodyBytes), options.MaxRequestBodyBytes);
            check.AtLeastOne(nameof(options.MaxWatchesPerConnection), options.MaxWatchesPerConnection);
            return check.Result();
        }
    }

    private static SettingsCheck Check(MqttOptions options)
    {
        var check = new SettingsCheck(MqttOptions.SectionName);
        check.That(options.Port is >= 1 and <= 65535, nameof(options.Port), $"be a TCP port, 1 to 65535 (was {options.Port})");
        check.That(options.EmbeddedPort is >= 0 and <= 65535, nameof(options.EmbeddedPort), $"be a TCP port, 1 to 65535, or 0 for a free one (was {options.EmbeddedPort})");
        return check;
    }
}
