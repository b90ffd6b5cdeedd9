def save(): pass
def load(): pass
