using Aigis.Sim.Cli;

return await SimProgram.RunAsync(args, Console.Out, Console.Error);
