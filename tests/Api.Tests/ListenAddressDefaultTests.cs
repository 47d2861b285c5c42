using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Parking.Silo;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>The documented default applies only when nothing else says where to listen.</summary>
public class ListenAddressDefaultTests
{
    [Fact]
    public void Without_a_choice_the_silo_listens_on_the_documented_default()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });

        builder.UseDefaultListenAddress();

        Assert.Equal("http://localhost:5080", builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Fact]
    public void The_urls_argument_is_kept()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:5999"] });

        builder.UseDefaultListenAddress();

        Assert.Equal("http://127.0.0.1:5999", builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }
}
