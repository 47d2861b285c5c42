using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parking.Api;

/// <summary>
/// Writes enums by their names, as the API always has, except an enum that names its own converter (every
/// Contracts enum, <see cref="WireEnumConverter{TEnum}"/>): a converter in the options would otherwise win
/// over the one on the type and change the strings on the wire.
/// </summary>
internal sealed class EnumNameConverter : JsonConverterFactory
{
    private readonly JsonStringEnumConverter _names = new();

    public override bool CanConvert(Type typeToConvert) =>
        _names.CanConvert(typeToConvert) && typeToConvert.GetCustomAttribute<JsonConverterAttribute>() is null;

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        _names.CreateConverter(typeToConvert, options);
}
