console.log('routing bench: not yet written');
