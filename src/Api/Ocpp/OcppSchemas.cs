using System.Reflection;
using System.Text.Json;
using Json.Schema;
using Parking.Domain.Ocpp;

namespace Parking.Api.Ocpp;

/// <summary>
/// The OCPP 1.6J JSON schemas of every payload a charge point sends us (its requests, and its answers to our
/// commands), embedded in this assembly and evaluated with JsonSchema.Net. A payload that breaks its schema is
/// answered with the OCPP-J error code for the kind of breach, naming the field.
/// </summary>
public static class OcppSchemas
{
    /// <summary>The requests a charge point may send and this central system handles.</summary>
    public static readonly IReadOnlySet<string> ChargePointActions = new HashSet<string>(StringComparer.Ordinal)
    {
        "Authorize", "BootNotification", "DataTransfer", "DiagnosticsStatusNotification", "FirmwareStatusNotification",
        "Heartbeat", "MeterValues", "StartTransaction", "StatusNotification", "StopTransaction",
    };

    /// <summary>OCPP 1.6 actions that exist but that a charge point does not send to a central system, or that we do not take.</summary>
    public static readonly IReadOnlySet<string> OtherActions = new HashSet<string>(StringComparer.Ordinal)
    {
        "CancelReservation", "ChangeAvailability", "ChangeConfiguration", "ClearCache", "ClearChargingProfile",
        "GetCompositeSchedule", "GetConfiguration", "GetDiagnostics", "GetLocalListVersion", "RemoteStartTransaction",
        "RemoteStopTransaction", "ReserveNow", "Reset", "SendLocalList", "SetChargingProfile", "TriggerMessage",
        "UnlockConnector", "UpdateFirmware",
    };

    private static readonly Lazy<IReadOnlyDictionary<string, JsonSchema>> Schemas = new(Load);

    // A valid payload (nearly every one) needs only the verdict; the list of errors is built only to name what failed.
    private static readonly EvaluationOptions Verdict = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };

    private static readonly EvaluationOptions Details = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>Checks a charge point's request payload (<c>Action.req</c>) or answer payload (<c>Action.conf</c>); null when it conforms.</summary>
    public static OcppFault? Check(string action, bool isRequest, JsonElement payload)
    {
        var name = $"{action}.{(isRequest ? "req" : "conf")}";
        if (!Schemas.Value.TryGetValue(name, out var schema))
        {
            return null;
        }

        if (schema.Evaluate(payload, Verdict).IsValid)
        {
            return null;
        }

        var result = schema.Evaluate(payload, Details);
        OcppFault? worst = null;
        foreach (var detail in (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }))
        {
            foreach (var (keyword, message) in detail.Errors!)
            {
                // A property the schema does not allow fails the boolean schema under additionalProperties.
                var rule = detail.EvaluationPath.ToString().Contains("/additionalProperties", StringComparison.Ordinal) ? "additionalProperties" : keyword;
                var fault = Classify(rule, Field(detail.InstanceLocation.ToString()), message);
                if (worst is null || Rank(fault.Code) < Rank(worst.Code))
                {
                    worst = fault;
                }
            }
        }

        return worst ?? new OcppFault(OcppErrorCodes.FormationViolation, $"The {name} payload does not conform to its OCPP 1.6 schema.");
    }

    private static OcppFault Classify(string keyword, string field, string message)
    {
        var where = field.Length == 0 ? "payload" : field;
        return keyword switch
        {
            "type" => new OcppFault(OcppErrorCodes.TypeConstraintViolation, $"{where}: {message}", where),
            "required" or "minItems" => new OcppFault(OcppErrorCodes.OccurenceConstraintViolation, $"{where}: {message}", where),
            "additionalProperties" or "false" => new OcppFault(OcppErrorCodes.FormationViolation, $"{where} is not a field of this message.", where),
            _ => new OcppFault(OcppErrorCodes.PropertyConstraintViolation, $"{where}: {message}", where),
        };
    }

    private static int Rank(string code) => code switch
    {
        OcppErrorCodes.FormationViolation => 0,
        OcppErrorCodes.TypeConstraintViolation => 1,
        OcppErrorCodes.OccurenceConstraintViolation => 2,
        _ => 3,
    };

    /// <summary>A JSON pointer (<c>/meterValue/0/timestamp</c>) as a field path (<c>meterValue[0].timestamp</c>).</summary>
    private static string Field(string pointer)
    {
        var field = new System.Text.StringBuilder();
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                field.Append('[').Append(segment).Append(']');
            }
            else
            {
                field.Append(field.Length == 0 ? string.Empty : ".").Append(segment);
            }
        }

        return field.ToString();
    }

    private static Dictionary<string, JsonSchema> Load()
    {
        var assembly = typeof(OcppSchemas).Assembly;
        var schemas = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("ocpp16.", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var name = resource["ocpp16.".Length..^".json".Length];
            schemas[name] = JsonSchema.FromText(reader.ReadToEnd());
        }

        return schemas;
    }
}
