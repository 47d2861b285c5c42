using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Parking.Api;

/// <summary>RFC 7807 problem details for refused commands: the status, a stable code, and the field at fault.</summary>
public static class Problems
{
    public static string TypeFor(string code) => $"urn:parking:problem:{code}";

    public static ProblemHttpResult From(DomainError error)
    {
        var status = error.Kind switch
        {
            ErrorKind.Validation => StatusCodes.Status400BadRequest,
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status400BadRequest,
        };

        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        if (error.Field is not null)
        {
            extensions["errors"] = new Dictionary<string, string[]> { [error.Field] = [error.Message] };
        }

        return TypedResults.Problem(
            detail: error.Message,
            statusCode: status,
            title: TitleFor(status),
            type: TypeFor(error.Code),
            extensions: extensions);
    }

    public static ProblemHttpResult Invalid(string field, string message, string code = "invalid-request") =>
        From(DomainError.Invalid(field, code, message));

    public static ProblemHttpResult Forbidden(string message) => From(DomainError.Forbidden(message));

    private static string TitleFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is not valid.",
        StatusCodes.Status403Forbidden => "You may not do this.",
        StatusCodes.Status404NotFound => "Not found.",
        StatusCodes.Status409Conflict => "The request conflicts with the current state.",
        StatusCodes.Status422UnprocessableEntity => "The request cannot be processed.",
        _ => "The request failed.",
    };
}
