using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parking.Api.Auth;
using Parking.Api.Devices;

namespace Parking.Api;

/// <summary>
/// The one place the API layer binds its settings: <c>Parking:Auth</c>, <c>Parking:Limits</c> and <c>Parking:Mqtt</c>.
/// Each is checked before the host serves anything: a value the API would misread or fail on later stops the start
/// with an <see cref="OptionsValidationException"/> that names every such key and why (the rules' sections are bound
/// in Grains, <c>AddParkingRules</c>).
/// </summary>
public static class ApiSettings
{
    public static IHostApplicationBuilder AddApiSettings(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ParkingAuthOptions>().BindConfiguration(ParkingAuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ParkingAuthOptions>, AuthSettingsCheck>();
        services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RequestLimitOptions>, LimitSettingsCheck>();

        // Read while the host is composed (whether to start a broker and a client at all depends on it); that one
        // instance is the options the services get, so it is checked here, before anything starts.
        var mqtt = builder.Configuration.GetSection(MqttOptions.SectionName).Get<MqttOptions>() ?? new MqttOptions();
        if (new MqttSettingsCheck().Validate(null, mqtt) is { Failed: true } refused)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(MqttOptions), refused.Failures);
        }

        services.AddSingleton(Options.Create(mqtt));
        return builder;
    }

    /// <summary>The <c>Parking:Mqtt</c> settings <see cref="AddApiSettings"/> read.</summary>
    public static MqttOptions MqttSettings(this IServiceCollection services) =>
        services.LastOrDefault(d => d.ServiceType == typeof(IOptions<MqttOptions>))?.ImplementationInstance is IOptions<MqttOptions> options
            ? options.Value
            : throw new InvalidOperationException($"{MqttOptions.SectionName} is read by {nameof(AddApiSettings)}; call it first.");

    private static string Key(string section, string name) => $"{section}:{name}";

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

    private sealed class AuthSettingsCheck : IValidateOptions<ParkingAuthOptions>
    {
        public ValidateOptionsResult Validate(string? name, ParkingAuthOptions options)
        {
            const string section = ParkingAuthOptions.SectionName;
            var failures = new List<string>();
            if (!string.IsNullOrWhiteSpace(options.Authority) && !(Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority)
                && (authority.Scheme == Uri.UriSchemeHttps || authority.Scheme == Uri.UriSchemeHttp)))
            {
                failures.Add($"{Key(section, "Authority")} must be the issuer's absolute http(s) URL (was '{options.Authority}').");
            }

            if (!string.IsNullOrWhiteSpace(options.SigningKey) && KeyBytes(options.SigningKey) is not >= 32)
            {
                failures.Add($"{Key(section, "SigningKey")} must be base64 of at least 32 bytes (an HMAC-SHA256 key); leave it empty for a random key per process.");
            }

            if (string.IsNullOrWhiteSpace(options.Audience))
            {
                failures.Add($"{Key(section, "Audience")} must not be empty.");
            }

            if (string.IsNullOrWhiteSpace(options.Issuer))
            {
                failures.Add($"{Key(section, "Issuer")} must not be empty.");
            }

            if (options.TokenLifetime <= TimeSpan.Zero)
            {
                failures.Add($"{Key(section, "TokenLifetime")} must be longer than zero (was {options.TokenLifetime}).");
            }

            if (options.ValidatedTokenCache < 0)
            {
                failures.Add($"{Key(section, "ValidatedTokenCache")} must be 0 (check every request) or more (was {options.ValidatedTokenCache}).");
            }

            return Result(failures);
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
            const string section = RequestLimitOptions.SectionName;
            var failures = new List<string>();
            void AtLeastOne(string key, long value)
            {
                if (value < 1)
                {
                    failures.Add($"{Key(section, key)} must be at least 1 (was {value}).");
                }
            }

            AtLeastOne(nameof(options.UserRequestsPerSecond), options.UserRequestsPerSecond);
            AtLeastOne(nameof(options.UserBurst), options.UserBurst);
            AtLeastOne(nameof(options.AnonymousRequestsPerSecond), options.AnonymousRequestsPerSecond);
            AtLeastOne(nameof(options.AnonymousBurst), options.AnonymousBurst);
            AtLeastOne(nameof(options.DeviceRequestsPerSecond), options.DeviceRequestsPerSecond);
            AtLeastOne(nameof(options.DeviceBurst), options.DeviceBurst);
            AtLeastOne(nameof(options.MaxRequestBodyBytes), options.MaxRequestBodyBytes);
            AtLeastOne(nameof(options.MaxWatchesPerConnection), options.MaxWatchesPerConnection);
            return Result(failures);
        }
    }

    private sealed class MqttSettingsCheck : IValidateOptions<MqttOptions>
    {
        public ValidateOptionsResult Validate(string? name, MqttOptions options)
        {
            const string section = MqttOptions.SectionName;
            var failures = new List<string>();
            if (options.Port is < 1 or > 65535)
            {
                failures.Add($"{Key(section, "Port")} must be a TCP port, 1 to 65535 (was {options.Port}).");
            }

            if (options.EmbeddedPort is < 0 or > 65535)
            {
                failures.Add($"{Key(section, "EmbeddedPort")} must be a TCP port, 1 to 65535, or 0 for a free one (was {options.EmbeddedPort}).");
            }

            return Result(failures);
        }
    }
}
