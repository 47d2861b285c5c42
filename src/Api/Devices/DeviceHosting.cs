using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Parking.Api.Devices;

public static class DeviceHosting
{
    /// <summary>
    /// The MQTT client of the shelter controllers (<c>Parking:Mqtt</c>). With <c>Parking:Mqtt:Server</c> it
    /// connects to that broker; without it the host must start the embedded broker, which sets the address.
    /// It takes the settings <see cref="ApiSettings.AddApiSettings"/> read (the options the services get) and returns
    /// them, with which the host decides whether to start the embedded broker.
    /// </summary>
    public static MqttOptions AddShelterControllers(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var settings = services.MqttSettings();
        if (!settings.Enabled)
        {
            return settings;
        }

        services.AddSingleton(provider =>
        {
            var endpoint = new MqttBrokerEndpoint();
            if (MqttBrokerAddress.FromOptions(provider.GetRequiredService<IOptions<MqttOptions>>().Value) is { } external)
            {
                endpoint.Set(external);
            }

            return endpoint;
        });
        services.AddSingleton<MqttShelterLink>();
        services.AddHostedService(provider => provider.GetRequiredService<MqttShelterLink>());
        return settings;
    }
}
