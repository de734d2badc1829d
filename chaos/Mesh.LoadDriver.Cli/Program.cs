using Mesh.LoadDriver.Cli;

return await MeshLoad.RunAsync(args, Console.Out, Console.Error);
