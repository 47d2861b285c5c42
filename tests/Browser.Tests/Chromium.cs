using System.Diagnostics;

namespace Parking.Browser.Tests;

/// <summary>Debian's Chromium, which Playwright drives through its executable path (it never downloads a browser).</summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    private static readonly Lock Gate = new();

    /// <summary>Installs the <c>chromium</c> package when it is missing (as root, or through sudo); fails loudly if it cannot.</summary>
    public static void Ensure()
    {
        lock (Gate)
        {
            if (File.Exists(Path))
            {
                return;
            }

            var sudo = Environment.UserName == "root" ? "" : "sudo -n ";
            Run($"{sudo}apt-get update -qq");
            Run($"DEBIAN_FRONTEND=noninteractive {sudo}apt-get install -y -qq chromium");
            if (!File.Exists(Path))
            {
                throw new InvalidOperationException($"Chromium is not at {Path} after installing the chromium package.");
            }
        }
    }

    private static void Run(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not run: {command}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Installing Chromium failed ({command}, exit {process.ExitCode}): {error}{output.Result}");
        }
    }
}
