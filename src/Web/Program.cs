using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Parking.Web;
using Parking.Web.Services;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");
builder.AddParkingWeb();

var host = builder.Build();
await host.Services.GetRequiredService<CultureChoice>().ApplyStoredAsync();
await host.Services.GetRequiredService<Session>().RestoreAsync();
await host.RunAsync();
