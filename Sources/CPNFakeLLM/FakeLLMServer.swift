/// Placeholder until the scripted server lands; keeps the target building.
public enum FakeLLM {}
